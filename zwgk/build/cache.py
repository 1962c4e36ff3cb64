"""What one build learns that the next can reuse, in one place.

A plain build makes a BuildCache and drops it; `zwgk serve` keeps one between rebuilds, so
a save re-reads, re-hashes and re-decodes only what changed. Each part belongs to the
stage that fills it; nothing of it lives in a module's globals.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from zwgk.library import Summaries
from zwgk.publish import FileDigests, Manifests
from zwgk.render import CompiledTemplates
from zwgk.source import ExtractedTexts, ParsedYaml


@dataclass
class BuildCache:
    parsed: ParsedYaml = field(default_factory=ParsedYaml)            # YAML Nodes (capacity 0: none kept)
    extracted: ExtractedTexts = field(default_factory=ExtractedTexts)  # attachments' text (capacity 0: none kept)
    file_digests: FileDigests = field(default_factory=FileDigests)        # source files' content hashes
    manifests: Manifests = field(default_factory=Manifests)               # the outputs' parsed manifests
    summaries: Summaries = field(default_factory=Summaries)             # counties as the portal's pages show them
    templates: CompiledTemplates = field(default_factory=CompiledTemplates)  # the theme, compiled
