"""`zwgk import`: catalog tables as counties publish them (XLSX, XLS, ODS, CSV/TSV, DOCX, saved web
pages) → one catalog YAML per domain.

Reads the table's real-world variants: a title row above a one- or two-row header
(公开事项 over 一级/二级/三级事项, 公开对象 over 全社会/特定群体 or 特定群众, 公开方式 over
主动/依申请(公开), 公开层级 over 县级/乡级 or 区级/镇(街)级 ...), merged cells, √ marks,
■/□ checklists (also 口, which text extraction makes of □), line breaks inside cells,
and columns it does not know, which go into each item's note and are reported.
Nothing is written unless the whole table converts into YAML that validates.

The work runs through the modules in this order: table and formats (reading the file), columns
(recognising the header), cells and rows (turning rows into items), yamlout (writing YAML),
command (the command itself). What the rest of zwgk and the tests use is imported here.
"""
from zwgk.source import schema
from zwgk.commands.importer.cells import norm, parse_date, read_channels, read_mark, split_basis
from zwgk.commands.importer.columns import Column, Words, classify, fill_merges, find_header, read_columns
from zwgk.commands.importer.command import (CONTENT_ERROR, USAGE_ERROR, load_site, resolve_domain,
                                            run_import_command, validate_output, write_imported)
from zwgk.commands.importer.rows import Imported, import_table
from zwgk.commands.importer.formats import kind_of, read_table, read_tables, tables_from
from zwgk.commands.importer.table import HEADER_SEARCH_ROWS, MAX_TABLE_BYTES, ImportFailed, Table, clean_cell, read_csv
from zwgk.commands.importer.yamlout import domain_yaml

__all__ = ["CONTENT_ERROR", "Column", "HEADER_SEARCH_ROWS", "ImportFailed", "Imported", "MAX_TABLE_BYTES", "Table",
           "USAGE_ERROR", "Words", "classify", "kind_of", "read_csv", "read_tables", "tables_from", "clean_cell", "domain_yaml", "fill_merges",
           "find_header", "import_table", "load_site", "norm", "parse_date", "read_channels", "read_columns",
           "read_mark", "read_table", "resolve_domain", "run_import_command", "schema", "split_basis",
           "validate_output", "write_imported"]
