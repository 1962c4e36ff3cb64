"""Putting a built site in place: staging beside the live output and swapping atomically,
the manifest of content hashes and input fingerprints, and the link check of written pages.

What other packages may use is imported here; the rest is the package's own."""
from zwgk.publish.fingerprint import CountyDigests, FileDigests, SourceDigests, Stamp, engine_fingerprint, folders_fingerprint, read_source_digests
from zwgk.publish.links import LinkReport, check_links
from zwgk.publish.manifest import Manifests, read_kept_manifest, read_manifest
from zwgk.publish.stage import StageFiles
from zwgk.publish.write import OutputRefused, SiteWriter, beside, build_lock, cache_folder, check_output_dir, keep_previous

__all__ = ["CountyDigests", "FileDigests", "LinkReport", "Manifests", "Stamp", "OutputRefused", "SiteWriter", "SourceDigests", "StageFiles", "beside", "build_lock", "cache_folder", "check_links", "check_output_dir", "engine_fingerprint", "folders_fingerprint", "keep_previous", "read_kept_manifest", "read_manifest", "read_source_digests"]
