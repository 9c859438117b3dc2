-- The flusher's clean-up of deleted providers reads only the ones still pending, however many were ever deleted.
create index deleted_providers_pending on deleted_providers (deleted_at) where redis_cleaned_at is null;
