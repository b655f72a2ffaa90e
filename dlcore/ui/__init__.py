"""The only Streamlit layer of dlcore: frame, URL state, inputs, session state, live training."""
