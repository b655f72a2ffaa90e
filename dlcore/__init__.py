"""dlcore: the math, models and trainers behind the Deep Learning Explorer.

Everything here is torch + numpy only, except ``dlcore.ui`` (the only Streamlit layer) and
``dlcore.viz`` (figure builders). A concept can be reproduced in a REPL without the app.
"""

import os

# torch's OpenMP workers sleep instead of spinning while they wait: on a shared class server the
# spinning steals the cores other sessions (and a local browser) need. Read when torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__all__ = ["__version__"]
__version__ = "0.1.0"
