"""Putting a built site in place: staging beside the live output and swapping atomically,
the manifest of content hashes and input fingerprints, and the link check of written pages.

What other packages may use is imported here; the rest is the package's own."""
from zwgk.publish.fingerprint import CountySources, SourceFiles, engine_fingerprint, folders_fingerprint, read_source_files
from zwgk.publish.links import LinkReport, check_links
from zwgk.publish.write import OutputRefused, SiteWriter, StageFiles, build_lock, check_output_dir, digest, keep_previous, read_manifest

__all__ = ["CountySources", "LinkReport", "OutputRefused", "SiteWriter", "SourceFiles", "StageFiles", "build_lock", "check_links", "check_output_dir", "digest", "engine_fingerprint", "folders_fingerprint", "keep_previous", "read_manifest", "read_source_files"]
