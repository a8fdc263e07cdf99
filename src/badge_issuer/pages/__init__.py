"""HTML pages: the badge page, achievement and issuer pages, landing and browser verification.

The service stays an API: each page is the HTML representation of a resource, chosen by content
negotiation (CONTRACT section 9). Templates, one stylesheet and the message catalogues live here
and are shared by every domain that renders HTML (see `rendering.render_page`).
"""
