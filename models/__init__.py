"""The segmentql domain: store data, segments, automation. Never imports the web or queue layers."""
