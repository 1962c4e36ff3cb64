"""`zwgk check --inspection --external`: each external link tried once, a few at a time.

A HEAD request first (no body to download), then GET when a server refuses HEAD; no
retries, a short timeout, redirects followed. Nothing is tried unless asked for."""
from __future__ import annotations

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Iterable

TIMEOUT = 10            # seconds a link may take to answer
WORKERS = 4             # links tried at once: gentle with a county's own small servers
_AGENT = "zwgk-link-check"


def failing_links(urls: Iterable[str], timeout: float = TIMEOUT) -> dict[str, str]:
    """url -> why it failed (Chinese), for the http(s) links that did not answer with success."""
    web = sorted({u for u in urls if u.lower().startswith(("http://", "https://"))})
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = dict(zip(web, pool.map(lambda url: _try(url, timeout), web)))
    return {url: why for url, why in results.items() if why}


def _try(url: str, timeout: float) -> str:
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": _AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return "" if response.status < 400 else f"服务器返回 {response.status}"
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue            # some servers refuse HEAD alone
            return f"服务器返回 {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return "连接超时" if "timed out" in str(reason) else f"无法连接（{reason}）"
    return ""
