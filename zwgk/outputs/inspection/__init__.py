"""`zwgk check --inspection`: what a government-website inspection would fail, per county,
found before publishing (indicators), with the 错敏词 (words) and working days (workdays)
it needs. The portal's completeness page shows the same indicators' summary."""
from zwgk.outputs.inspection.indicators import VETO_COLUMNS, Evidence, Indicator, Place, content_indicators, inspect_county
from zwgk.outputs.inspection.words import STARTER, WordFinding, find_words, words_of
from zwgk.outputs.inspection.workdays import WorkingDays, working_days_after



def county_verdicts(library, county, texts):
    """The content-only indicators of a county as the portal's summary keeps them (county.json)."""
    from zwgk.library import Verdict
    sources = {path: text for path, text in texts.items() if path != "wordlist.yaml"}
    words = find_words(sources, words_of(library.site))
    return tuple(Verdict(i.key, i.label, i.passed, i.figure, i.veto) for i in content_indicators(library, county, texts, words))


__all__ = ["county_verdicts", "Evidence", "Indicator", "Place", "STARTER", "VETO_COLUMNS", "WordFinding", "WorkingDays", "content_indicators", "find_words",
           "inspect_county", "words_of", "working_days_after"]
