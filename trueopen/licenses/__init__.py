"""License knowledge: which ids are open, and the terms of AI model licenses."""
