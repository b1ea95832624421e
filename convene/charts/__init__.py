"""Vega-Lite specifications built from the chart engine's results.

One specification per chart serves both renderers: vega-embed in the browser and
vl-convert on the server (SVG, PNG and, later, PDF reports).
"""
