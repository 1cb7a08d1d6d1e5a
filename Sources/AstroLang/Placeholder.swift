// Placeholder until the AstroLang target gets its first real file.
