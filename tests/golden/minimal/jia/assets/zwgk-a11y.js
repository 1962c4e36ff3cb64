(function(){var KEY="zwgk-a11y",root=document.documentElement,s={};try{s=JSON.parse(localStorage.getItem(KEY))||{};}catch(e){}
function save(){try{localStorage.setItem(KEY,JSON.stringify(s));}catch(e){}}
document.addEventListener("DOMContentLoaded",function(){var bar=document.getElementById("a11y"),say=document.getElementById("a11y-say"),lines=null;if(!bar)return;bar.hidden=false;function tell(text){say.textContent=text;}
function pressed(name,on){bar.querySelector("[data-a11y="+name+"]").setAttribute("aria-pressed",on?"true":"false");}
function cross(on){if(on&&!lines){lines=[document.createElement("div"),document.createElement("div")];lines[0].className="cross-x";lines[1].className="cross-y";lines.forEach(function(l){l.setAttribute("aria-hidden","true");document.body.appendChild(l);});document.addEventListener("mousemove",function(e){lines[0].style.transform="translateY("+e.clientY+"px)";lines[1].style.transform="translateX("+e.clientX+"px)";});}
if(lines)lines.forEach(function(l){l.hidden=!on;});}
function text(on){[].forEach.call(document.querySelectorAll("link[rel=stylesheet]"),function(l){l.disabled=on;});}
function zoom(z){s.zoom=Math.round(Math.min(Math.max(z,1),2)*10)/10;root.style.setProperty("--zoom",s.zoom);tell("页面放大到 "+Math.round(s.zoom*100)+"%");}
function speak(){var voices=window.speechSynthesis?speechSynthesis.getVoices().filter(function(v){return/^zh/i.test(v.lang);}):[];if(!voices.length){tell("本浏览器没有中文语音，无法朗读；可以使用手机或电脑系统自带的朗读功能");return;}
if(speechSynthesis.speaking){speechSynthesis.cancel();tell("已停止朗读");return;}
var chosen=String(window.getSelection())||document.getElementById("main").innerText;var u=new SpeechSynthesisUtterance(chosen.slice(0,20000));u.voice=voices[0];u.lang=voices[0].lang;speechSynthesis.speak(u);tell("正在朗读"+(String(window.getSelection())?"选中的文字":"正文")+"，再按一次停止");}
pressed("cursor",s.cursor);pressed("cross",s.cross);pressed("text",s.text);cross(s.cross);bar.addEventListener("click",function(e){var name=e.target.getAttribute&&e.target.getAttribute("data-a11y");if(!name)return;if(name==="speak")speak();else if(name==="cursor"){s.cursor=!s.cursor;root.classList.toggle("big-cursor",s.cursor);pressed(name,s.cursor);}
else if(name==="cross"){s.cross=!s.cross;cross(s.cross);pressed(name,s.cross);}
else if(name==="text"){s.text=!s.text;text(s.text);pressed(name,s.text);}
else if(name==="bigger")zoom((s.zoom||1)+0.1);else if(name==="smaller")zoom((s.zoom||1)-0.1);else if(name==="reset"){s={};root.classList.remove("big-cursor");root.style.removeProperty("--zoom");cross(false);text(false);["cursor","cross","text"].forEach(function(n){pressed(n,false);});tell("已恢复默认设置");}
save();});});})();