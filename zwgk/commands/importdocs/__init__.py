"""`zwgk import-docs`: documents a county already has (DOCX, web pages saved from its old CMS,
TXT) → Markdown documents with front matter, for content/<county>/docs/.

The work runs through: article (reading a file into its title, body and text), fields
(guessing the front matter from the text), command (ids, images, writing, the summary)."""
from zwgk.commands.importdocs.article import Article, read_article
from zwgk.commands.importdocs.command import run_import_docs
from zwgk.commands.importdocs.fields import Guessed, guess_fields, normalise_doc_no

__all__ = ["Article", "Guessed", "guess_fields", "normalise_doc_no", "read_article", "run_import_docs"]
