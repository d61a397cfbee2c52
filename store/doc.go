// Package store owns the shop's SQLite file: opening it, the migrations,
// sqlc's queries, the one writer and the caches in front of it.
//
// Every write goes through Store.Write to one goroutine that owns the only
// connection allowed to write, and after each commit that writer forgets
// the cached values of every row SQLite reports the commit changed (and
// all of them when another process has written): nothing else writes, and
// nothing else forgets.
//
// In more detail:
//
//   - Reads go to a pool of read connections that refuse to write
//     (query_only); Read() gives sqlc's queries on them.
//   - Write runs a WriteFunc in the writer's transaction, together with
//     the writes waiting beside it, each in a savepoint; it returns once
//     the transaction is committed and synced to disk (synchronous =
//     FULL), so an answer is never sent for a write a power cut can take
//     back. A batch pays one sync.
//   - SQLite's pre-update hook on the writer's connection names each row a
//     write inserts, updates or deletes; after the commit the writer
//     forgets what the caches hold of those rows (sessions by token, bags
//     by id, the whole catalog on any product or category change). Once
//     every foreignWriteCheck the writer asks SQLite (data_version) whether
//     another process has committed, and then forgets everything.
//   - The caches are filled only by the store's read methods (Product,
//     SearchProducts, Categories, BagLines, the session store), and never
//     keep a value read before a write that was forgotten since.
//   - A background passive checkpoint copies the WAL into the database
//     file every checkpointEvery while writes come in.
package store
