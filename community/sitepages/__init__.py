"""The pages every public site has (/about, /terms, /privacy, /accessibility, /help) and the contact form.

    models.py     site_page_versions (every saved version of a page, newest in force) and contact_messages
    services.py   the page in force (a saved version, or the Markdown default shipped in defaults/), saving a
                  new version with its audit entry, and the terms consent asked of members
    contact.py    storing a contact message and mailing it to the admins; marking it handled
    accessibility.py  the axe results the browser tests record (accessibility_results.json) for /accessibility
    forms.py, views.py  the public pages, the consent page and /admin/pages, /admin/contact
"""

from flask import Blueprint

bp = Blueprint("sitepages", __name__)
