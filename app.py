"""Deep Learning Explorer. Run with `streamlit run app.py`.

The app is Streamlit's ASGI app (``st.App``): the landing page is home.py, the pages are in
pages/, one extra route carries the live frames of playing pages (dlcore/ui/channel.py), and
Streamlit's own scripts go out compressed (dlcore/ui/compress.py).
"""

import streamlit as st
from starlette.middleware import Middleware

from dlcore.ui import warm
from dlcore.ui.channel import routes
from dlcore.ui.compress import CompressedStatic

app = st.App("home.py", routes=routes(), middleware=[Middleware(CompressedStatic)])
warm.start()  # the pages' shared models and tables load in the background, not on first visit
