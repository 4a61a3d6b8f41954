"""The browser console for call-takers and dispatchers: HTML pages, our own JS/CSS, the offline basemap."""
