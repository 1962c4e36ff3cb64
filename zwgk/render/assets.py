"""The theme's static files as a site serves them: scripts and style sheets without comments
and layout white space (rjsmin, rcssmin), everything else as it is.

Citizens on phones download every byte: the search page's scripts and styles shrink from
66 to 46 KB. The theme's files stay readable in themes/ and search/.
"""
from __future__ import annotations

import rcssmin
import rjsmin


def served(rel: str, data: bytes) -> bytes:
    """The bytes a site serves for the theme file at rel (its path under assets/)."""
    if rel.endswith(".js"):
        return rjsmin.jsmin(data.decode("utf-8")).encode("utf-8")
    if rel.endswith(".css"):
        return rcssmin.cssmin(data.decode("utf-8")).encode("utf-8")
    return data
