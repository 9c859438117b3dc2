using System.Text.Json.Nodes;
using CallbackPipeline.Core.Providers;
using Npgsql;
using NpgsqlTypes;

namespace CallbackPipeline.Storage.Providers;

/// <summary>Providers in PostgreSQL. Every call is scoped to an account, so one account never reaches another's providers.</summary>
public sealed class ProviderStore(NpgsqlDataSource dataSource, SecretProtector protector, TimeProvider clock)
{
    private const string Columns =
        "p.id, p.account_id, p.name, p.kind, p.status, p.is_default, p.delivery_callbacks, p.settings::text, p.secrets, " +
        "p.previous_token, p.previous_token_expires_at, p.created_at, p.archived_at";

    /// <summary>The stable order of an account's providers (<see cref="ProviderPosition"/>).</summary>
    private const string Order = "order by p.created_at, p.id collate \"C\"";

    /// <summary>The account's providers. <paramref name="withSecrets"/> false skips decrypting them, for reads that show none (stats).</summary>
    public async Task<IReadOnlyList<ProviderRecord>> ListAsync(string accountId, CancellationToken cancellationToken, bool withSecrets = true)
    {
        try
        {
            await using var command = dataSource.CreateCommand($"select {Columns} from providers p where p.account_id = $1 {Order}");
            command.Parameters.AddWithValue(accountId);
            return await ReadAsync(command, cancellationToken, withSecrets);
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>Up to <paramref name="limit"/> of the account's providers after <paramref name="after"/> (from the first when null), in the order of <see cref="ListAsync"/>.</summary>
    public async Task<IReadOnlyList<ProviderRecord>> ListPageAsync(string accountId, ProviderPosition? after, int limit, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand($"""
                select {Columns} from providers p
                where p.account_id = $1 and ($2::timestamptz is null or p.created_at > $2 or (p.created_at = $2 and p.id collate "C" > $3))
                {Order} limit $4
                """);
            command.Parameters.AddWithValue(accountId);
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.CreatedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.AddWithValue(after?.Id ?? "");
            command.Parameters.AddWithValue(limit);
            return await ReadAsync(command, cancellationToken, withSecrets: true);
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task<ProviderRecord?> GetAsync(string accountId, string id, CancellationToken cancellationToken, bool withSecrets = true)
    {
        try
        {
            await using var command = dataSource.CreateCommand($"select {Columns} from providers p where p.account_id = $1 and p.id = $2");
            command.Parameters.AddWithValue(accountId);
            command.Parameters.AddWithValue(id);
            return (await ReadAsync(command, cancellationToken, withSecrets)).SingleOrDefault();
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>The provider and its account's time zone, for the receiver; null when there is no such provider.</summary>
    public async Task<ProviderRoute?> FindRouteAsync(string id, CancellationToken cancellationToken, bool withSecrets = true)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                $"select {Columns}, a.time_zone from providers p join accounts a on a.id = p.account_id where p.id = $1");
            command.Parameters.AddWithValue(id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? new ProviderRoute(Read(reader, withSecrets), reader.GetString(13)) : null;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task<IReadOnlyList<string>> ListAllIdsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select id from providers");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var ids = new List<string>();
            while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
            return ids;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task<ProviderRecord> CreateAsync(ProviderRecord draft, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                $"insert into providers as p (id, account_id, name, kind, delivery_callbacks, settings, secrets) values ($1, $2, $3, $4, $5, $6, $7) returning {Columns}");
            command.Parameters.AddWithValue(draft.Id);
            command.Parameters.AddWithValue(draft.AccountId);
            command.Parameters.AddWithValue(draft.Name);
            command.Parameters.AddWithValue(ProviderKindSpec.Name(draft.Kind));
            command.Parameters.AddWithValue(draft.DeliveryCallbacks);
            command.Parameters.AddWithValue(NpgsqlDbType.Jsonb, draft.Settings.ToJsonString());
            command.Parameters.AddWithValue(protector.Protect(draft.Secrets));
            return (await ReadAsync(command, cancellationToken)).Single();
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>
    /// Reads the provider under a row lock, lets <paramref name="edit"/> decide the new state (null: write nothing),
    /// and writes it in the same transaction, so concurrent edits and archives serialize.
    /// </summary>
    public async Task<ProviderRecord?> UpdateAsync(string accountId, string id, Func<ProviderRecord, ProviderRecord?> edit, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var select = new NpgsqlCommand($"select {Columns} from providers p where p.account_id = $1 and p.id = $2 for update", connection, transaction);
            select.Parameters.AddWithValue(accountId);
            select.Parameters.AddWithValue(id);
            var current = (await ReadAsync(select, cancellationToken)).SingleOrDefault();
            if (current is null || edit(current) is not { } updated) return current;

            await using var update = new NpgsqlCommand(
                $"update providers p set name = $2, delivery_callbacks = $3, settings = $4, secrets = $5, previous_token = $6, previous_token_expires_at = $7 where p.id = $1 returning {Columns}",
                connection, transaction);
            update.Parameters.AddWithValue(id);
            update.Parameters.AddWithValue(updated.Name);
            update.Parameters.AddWithValue(updated.DeliveryCallbacks);
            update.Parameters.AddWithValue(NpgsqlDbType.Jsonb, updated.Settings.ToJsonString());
            update.Parameters.AddWithValue(protector.Protect(updated.Secrets));
            update.Parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = updated.PreviousToken is { } t ? protector.ProtectText(t) : null, NpgsqlDbType = NpgsqlDbType.Bytea });
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = updated.PreviousTokenExpiresAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            var written = (await ReadAsync(update, cancellationToken)).Single();
            await transaction.CommitAsync(cancellationToken);
            return written;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>Makes the provider the account's only default. The account row lock serializes concurrent calls.</summary>
    public async Task<ProviderChange> MarkDefaultAsync(string accountId, string id, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var status = await LockedStatusAsync(connection, transaction, accountId, id, cancellationToken);
            if (status != "active") return status is null ? ProviderChange.NotFound : ProviderChange.Archived;

            await using (var clear = new NpgsqlCommand(
                "update providers set is_default = false where account_id = $1 and is_default and id <> $2", connection, transaction))
            {
                clear.Parameters.AddWithValue(accountId);
                clear.Parameters.AddWithValue(id);
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var set = new NpgsqlCommand("update providers set is_default = true where id = $1", connection, transaction))
            {
                set.Parameters.AddWithValue(id);
                await set.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return ProviderChange.Done;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>Archives for good; an archived provider loses its default flag in the same statement.</summary>
    public async Task<ProviderChange> ArchiveAsync(string accountId, string id, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var status = await LockedStatusAsync(connection, transaction, accountId, id, cancellationToken);
            if (status != "active") return status is null ? ProviderChange.NotFound : ProviderChange.Archived;

            await using var update = new NpgsqlCommand(
                "update providers set status = 'archived', is_default = false, archived_at = $2 where id = $1", connection, transaction);
            update.Parameters.AddWithValue(id);
            update.Parameters.AddWithValue(clock.GetUtcNow());
            await update.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return ProviderChange.Done;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>
    /// Deletes the provider with its stats rows (cascade) and records it for Redis clean-up. A flush holds a key-share
    /// lock on the provider row, so a delete waits for a running flush, and a later flush finds no provider.
    /// </summary>
    public async Task<bool> DeleteAsync(string accountId, string id, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var delete = new NpgsqlCommand(
                "delete from providers where account_id = $1 and id = $2", connection, transaction);
            delete.Parameters.AddWithValue(accountId);
            delete.Parameters.AddWithValue(id);
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0) return false;

            await using var record = new NpgsqlCommand(
                "insert into deleted_providers (provider_id) values ($1) on conflict do nothing", connection, transaction);
            record.Parameters.AddWithValue(id);
            await record.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task<IReadOnlyList<string>> PendingCleanupsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select provider_id from deleted_providers where redis_cleaned_at is null order by deleted_at limit 100");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var ids = new List<string>();
            while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
            return ids;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task MarkCleanedAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("update deleted_providers set redis_cleaned_at = $2 where provider_id = $1");
            command.Parameters.AddWithValue(id);
            command.Parameters.AddWithValue(clock.GetUtcNow());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    private static async Task<string?> LockedStatusAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string accountId, string id, CancellationToken cancellationToken)
    {
        // The account row lock serializes every default and archive change of one account.
        await using (var account = new NpgsqlCommand("select 1 from accounts where id = $1 for update", connection, transaction))
        {
            account.Parameters.AddWithValue(accountId);
            await account.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = new NpgsqlCommand(
            "select status from providers where account_id = $1 and id = $2 for update", connection, transaction);
        command.Parameters.AddWithValue(accountId);
        command.Parameters.AddWithValue(id);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private async Task<List<ProviderRecord>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken, bool withSecrets = true)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var providers = new List<ProviderRecord>();
        while (await reader.ReadAsync(cancellationToken)) providers.Add(Read(reader, withSecrets));
        return providers;
    }

    private ProviderRecord Read(NpgsqlDataReader reader, bool withSecrets = true)
    {
        ProviderKindSpec.TryParse(reader.GetString(3), out var kind);
        return new ProviderRecord(
            Id: reader.GetString(0),
            AccountId: reader.GetString(1),
            Name: reader.GetString(2),
            Kind: kind,
            Archived: reader.GetString(4) == "archived",
            IsDefault: reader.GetBoolean(5),
            DeliveryCallbacks: reader.GetBoolean(6),
            Settings: JsonNode.Parse(reader.GetString(7))!.AsObject(),
            Secrets: withSecrets ? protector.Unprotect(reader.GetFieldValue<byte[]>(8)) : [],
            PreviousToken: !withSecrets || reader.IsDBNull(9) ? null : protector.UnprotectText(reader.GetFieldValue<byte[]>(9)),
            PreviousTokenExpiresAt: reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
            CreatedAt: reader.GetFieldValue<DateTimeOffset>(11),
            ArchivedAt: reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12));
    }
}
