"""ConvLens model export pipeline (see model/README.md)."""
