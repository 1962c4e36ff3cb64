"""`zwgk serve`: build, serve the output folder, rebuild on every saved change, reload the browser.

The HTTP server, the browser's reload channel (WebSocket) and its script are livereload's;
file events come from watchdog instead of livereload's 0.8 s polling (see `SourceWatcher`).
Saves are debounced, each change is classified, the build runs in a worker thread while
requests wait for it, and the browser is told to reload once the new site is in place.
When a build fails the last good site stays up, and every HTML page sent carries the errors
in an overlay put into the HTML by the server, so it shows without any script.

The modules, in the order a save travels through them:
  changes   what a changed file is to the site (`classify` → `Change`)
  watch     watchdog's events → classified changes on the server's loop
  preview   debouncing and scheduling the rebuild, then reloading the browsers
  outcome   one build run, its failures turned into problems
  overlay   the problems as an overlay in every HTML page sent
  app       the HTTP side: output files, the overlay, livereload's channel
  run       the command: port, first build, serve until interrupted
"""
from zwgk.commands.serve.app import is_safe_url_path, make_app
from zwgk.commands.serve.changes import Change, classify
from zwgk.commands.serve.outcome import Outcome
from zwgk.commands.serve.overlay import OVERLAY_ID, inject_overlay, overlay_html
from zwgk.commands.serve.preview import Preview
from zwgk.commands.serve.run import serve
from zwgk.commands.serve.watch import SourceWatcher

__all__ = ["Change", "OVERLAY_ID", "Outcome", "Preview", "SourceWatcher", "classify", "inject_overlay",
           "is_safe_url_path", "make_app", "overlay_html", "serve"]
