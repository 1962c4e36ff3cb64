"""What every stage shares: user-facing problems (errors), the standard lists the rules define
(standards), cancellation, content digests, stage timing, where zwgk's own files are, and the
JSON files a build keeps for the next one.

What other packages may use is imported here; the rest is the package's own."""
from zwgk.base.cancel import Cancellation, never
from zwgk.base.clock import Clock, collector_paused
from zwgk.base.digest import digest, file_digest
from zwgk.base.engine_files import EngineFilesMissing, SEARCH_RUNTIME_FILES, default_theme, search_runtime
from zwgk.base.jsonfile import save_json
from zwgk.base.errors import BuildCancelled, ContentErrors, Problem, caret_under, errors_only, format_report
from zwgk.base import annual_report, columns
from zwgk.base.columns import CATEGORIES, category_heading
from zwgk.base.standards import AUDIENCES, DOMAIN_SLUGS, LEVELS, LEVEL_VARIANTS, MODES, STANDARD_CHANNELS, STANDARD_DOMAINS, VALIDITIES

__all__ = ["AUDIENCES", "CATEGORIES", "annual_report", "category_heading", "columns", "BuildCancelled", "Cancellation", "caret_under", "Clock", "ContentErrors", "DOMAIN_SLUGS", "EngineFilesMissing", "LEVELS", "LEVEL_VARIANTS", "MODES", "Problem", "SEARCH_RUNTIME_FILES", "STANDARD_CHANNELS", "STANDARD_DOMAINS", "VALIDITIES", "never", "collector_paused", "save_json", "default_theme", "digest", "errors_only", "file_digest", "format_report", "search_runtime"]
