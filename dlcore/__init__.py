"""dlcore: the math, models and trainers behind the Deep Learning Explorer.

Everything here is torch + numpy only, except ``dlcore.ui`` (the only Streamlit layer) and
``dlcore.viz`` (figure builders). A concept can be reproduced in a REPL without the app.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
