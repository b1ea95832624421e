"""Convene: a platform for hosting learning collaboratives."""
