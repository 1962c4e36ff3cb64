/* 长辈模式 (large type, high contrast): a button on every page, remembered across pages,
   and ?mode=elder in a link. Runs in <head> so the page never flashes in the wrong mode. */
(function () {
  var KEY = "zwgk-mode", root = document.documentElement;
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function store(v) { try { localStorage.setItem(KEY, v); } catch (e) { /* private mode */ } }
  var param = /[?&]mode=(elder|normal)\b/.exec(location.search);
  if (param) store(param[1]);
  if ((param ? param[1] : stored()) === "elder") root.classList.add("elder");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("elder-toggle");
    if (!button) return;
    function show() {
      var on = root.classList.contains("elder");
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "标准模式" : "长辈模式";
    }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      root.classList.toggle("elder");
      store(root.classList.contains("elder") ? "elder" : "normal");
      show();
    });
  });
})();
