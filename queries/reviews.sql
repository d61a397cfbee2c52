-- name: HasBought :one
-- Whether a user has an order with a line of the product.
SELECT CAST(EXISTS (
    SELECT 1 FROM orders o JOIN order_line_items l ON l.order_id = o.id
    WHERE o.user_id = @user_id AND l.product_id = @product_id
) AS INTEGER);

-- name: HasReviewed :one
SELECT CAST(EXISTS (SELECT 1 FROM reviews WHERE product_id = ? AND user_id = ?) AS INTEGER);

-- name: CreateReview :execrows
INSERT INTO reviews (product_id, user_id, stars, body, created_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (product_id, user_id) DO NOTHING;

-- name: ListProductReviews :many
-- A product's reviews, newest first; hidden ones only for staff.
SELECT r.id, r.stars, r.body, r.created_at, r.hidden_at, u.username
FROM reviews r JOIN users u ON u.id = r.user_id
WHERE r.product_id = @product_id AND (r.hidden_at IS NULL OR CAST(@with_hidden AS INTEGER) = 1)
ORDER BY r.created_at DESC, r.id DESC;

-- name: SetReviewHidden :one
-- Hides a review (hidden_at set) or shows it again (NULL); its product
-- comes back.
UPDATE reviews SET hidden_at = @hidden_at WHERE id = @id RETURNING product_id;

-- name: RefreshProductRating :exec
-- A product's rating (tenths of a star) and count from its visible
-- reviews; no rating without one.
UPDATE products SET
    rating = (SELECT CAST(round(avg(r.stars) * 10) AS INTEGER) FROM reviews r WHERE r.product_id = products.id AND r.hidden_at IS NULL),
    review_count = (SELECT COUNT(*) FROM reviews r WHERE r.product_id = products.id AND r.hidden_at IS NULL)
WHERE products.id = @product_id;
