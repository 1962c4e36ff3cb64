"""Pages as bytes: the page plan, the theme's Jinja2 environment and templates, Markdown.

What other packages may use is imported here; the rest is the package's own."""
from zwgk.render.renderer import Renderer, job_inputs, make_environment, plan_county, plan_portal, theme_dirs

__all__ = ["Renderer", "job_inputs", "make_environment", "plan_county", "plan_portal", "theme_dirs"]
