/* 长辈模式 (large type, high contrast): a button on every page, remembered across pages,
   and ?mode=elder (or ?mode=normal) in a link. Runs in <head> so no page flashes in the wrong mode. */
(function () {
  var KEY = "zwgk-mode", root = document.documentElement;
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function store(v) { try { localStorage.setItem(KEY, v); } catch (e) { /* storage off: this page only */ } }
  var param = /[?&]mode=(elder|normal)\b/.exec(location.search);
  if (param) store(param[1]);
  if ((param ? param[1] : stored()) === "elder") root.classList.add("elder");
  // The 无障碍 toolbar's settings (zwgk-a11y.js), applied before the page shows.
  var a11y = {};
  try { a11y = JSON.parse(localStorage.getItem("zwgk-a11y")) || {}; } catch (e) { /* none */ }
  if (a11y.cursor) root.classList.add("big-cursor");
  if (a11y.zoom) root.style.setProperty("--zoom", a11y.zoom);
  if (a11y.text) [].forEach.call(document.querySelectorAll("link[rel=stylesheet]"), function (l) { l.disabled = true; });
  document.addEventListener("DOMContentLoaded", function () {
    // On a phone the navigation is one line that scrolls sideways: show the current column in it.
    var current = document.querySelector(".mainnav [aria-current]"), list = current && current.closest("ul");
    if (list && list.scrollWidth > list.clientWidth) list.scrollLeft = current.offsetLeft - list.offsetLeft - 16;
    var button = document.getElementById("elder-toggle");
    if (!button) return;
    // The label names the action, so it reads the same to eyes and to screen readers.
    function show() { button.textContent = root.classList.contains("elder") ? "退出长辈模式" : "长辈模式"; }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      store(root.classList.toggle("elder") ? "elder" : "normal");
      show();
    });
  });
})();
