/** The package's version, as `dataset --version` prints it (package.json's; a test keeps them equal). */
export const VERSION = "0.1.0";
