"""Pages as bytes: the page plan, the theme's Jinja2 environment and templates, Markdown.

What other packages may use is imported here; the rest is the package's own."""
from zwgk.render.assets import served
from zwgk.render.official import attachment_titles, file_title, size_text
from zwgk.render.renderer import CompiledTemplates, Renderer, make_environment, plan_county, plan_pages, plan_portal, theme_dirs

__all__ = ["CompiledTemplates", "Renderer", "attachment_titles", "file_title", "make_environment", "plan_county", "plan_pages", "plan_portal", "served", "size_text", "theme_dirs"]
