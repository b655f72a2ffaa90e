"""Deep Learning Explorer. Run with `streamlit run app.py`.

The app is Streamlit's ASGI app (``st.App``): the landing page is home.py, the pages are in
pages/, and one extra route carries the live frames of playing pages (dlcore/ui/channel.py).
"""

import streamlit as st

from dlcore.ui import warm
from dlcore.ui.channel import routes

app = st.App("home.py", routes=routes())
warm.start()  # the pages' shared models and tables load in the background, not on first visit
