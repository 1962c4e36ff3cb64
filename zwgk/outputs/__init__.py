"""What a site offers besides its pages: downloads (XLSX, CSV, JSON, the offline zip), the
search indexes, and the completeness report.

What other packages may use is imported here; the rest is the package's own."""
from zwgk.outputs.completeness import CountyCompleteness, NOT_APPLICABLE, PUBLISHED, assess, completeness_page, find_gaps
from zwgk.outputs.downloads import FORMULA_TRIGGERS, download_outputs, downloads_page_and_offline_zip, sheet_name
from zwgk.outputs.inspection import Evidence, Indicator, Place, county_verdicts, find_words, inspect_county, words_of
from zwgk.outputs.search import PartStore, county_search_outputs, portal_search_outputs, portal_search_part, run_search_command, search_server_files

__all__ = ["Evidence", "Indicator", "Place", "find_words", "inspect_county", "words_of", "CountyCompleteness", "PartStore", "FORMULA_TRIGGERS", "NOT_APPLICABLE", "PUBLISHED", "assess", "completeness_page", "county_search_outputs", "county_verdicts", "download_outputs", "downloads_page_and_offline_zip", "find_gaps", "portal_search_outputs", "portal_search_part", "run_search_command", "search_server_files", "sheet_name"]
