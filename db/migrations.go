// Package db holds the shop's schema: the numbered migrations in
// migrations/, which the store applies in order and sqlc reads to type the
// queries in queries/.
package db

import "embed"

// Migrations are the files migrations/NNNN_name.sql.
//
//go:embed migrations/*.sql
var Migrations embed.FS
