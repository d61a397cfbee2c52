-- name: GetPage :one
SELECT slug, title, body, updated_at FROM pages WHERE slug = ?;

-- name: ListPages :many
SELECT slug, title, updated_at FROM pages ORDER BY rowid;

-- name: UpdatePage :execrows
UPDATE pages SET title = @title, body = @body, updated_at = @updated_at WHERE slug = @slug;
