"""Reading a site's sources: files found on disk (or held in memory, for tests), text from bytes
(one decoder for every file), YAML with every value's position, the field declarations and their
checks, git history, attachment text, and the personal-information scan.

What other packages may use is imported here; the rest is the package's own."""
from zwgk.source.attachments import ExtractedTexts, attachment_searchable_texts
from zwgk.source.fields import FieldChecker, empty_value, stays_inside, suggestion
from zwgk.source.files import CountySources, MarkdownSource, Sources, YamlSource, read_county, read_site
from zwgk.source.history import History, read_history
from zwgk.source.jsonschema import SCHEMA_DIR, field_schema, kind_of, modeline, value_schema, write_schemas
from zwgk.source.markdown import links_leaving_county, markdown_parser, rewrite_href
from zwgk.source.pii import KIND_LABELS, PiiReport, mask_texts, scan_site
from zwgk.source import placeholders
from zwgk.source.schema import COUNTY, DOCUMENT, DOMAIN, ID_PATTERN, PAGE, REPORT, SITE, WORDLIST
from zwgk.source.text import ATTACHMENT_TEXT, SOURCE_TEXT, TABLE_TEXT, SourceError, TextPolicy, decode
from zwgk.source.tree import DiskTree, Entry, MemoryTree, SourceTree, as_tree
from zwgk.source.yamlfile import ParsedYaml, parse_yaml

__all__ = ["ATTACHMENT_TEXT", "ExtractedTexts", "attachment_searchable_texts", "ParsedYaml", "COUNTY", "CountySources", "DOCUMENT", "DOMAIN", "DiskTree", "Entry", "MemoryTree", "SourceTree", "as_tree", "FieldChecker", "History", "ID_PATTERN", "KIND_LABELS", "MarkdownSource", "PAGE", "PiiReport", "REPORT", "SCHEMA_DIR", "SITE", "SOURCE_TEXT", "WORDLIST", "SourceError", "Sources", "TABLE_TEXT", "TextPolicy", "YamlSource", "decode", "empty_value", "field_schema", "kind_of", "links_leaving_county", "markdown_parser", "mask_texts", "modeline", "parse_yaml", "placeholders", "read_county", "read_history", "read_site", "rewrite_href", "scan_site", "stays_inside", "suggestion", "value_schema", "write_schemas"]
