"""The UI shell: layout, navigation, home pages per role, language switching, health and error pages."""
