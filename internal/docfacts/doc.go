// Package docfacts holds no code: its tests check that what the user
// documentation (README.md, help, docs/) says about the project agrees with
// the project: the files it quotes, and the figures the tools print.
package docfacts
