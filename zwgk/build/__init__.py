"""The build's orchestration: county by county on every core, then the portal; progress.

What other packages may use is imported here; the rest is the package's own."""
from zwgk.build.cache import BuildCache
from zwgk.build.progress import Reporter
from zwgk.build.site import BuildResult, build_site, warm_up

__all__ = ["BuildCache", "BuildResult", "Reporter", "build_site", "warm_up"]
