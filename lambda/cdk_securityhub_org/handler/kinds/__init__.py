"""One folder per custom-resource kind; ``registry`` names them all."""
