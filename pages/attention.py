"""Page 'attention': coming next (its own issue builds it on the foundation)."""

from dlcore.ui.frame import coming_next, page_frame

coming_next(page_frame("attention"))
