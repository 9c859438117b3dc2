using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace CallbackPipeline.Storage.Accounts;

/// <summary>
/// API keys: 256-bit random tokens, stored as SHA-256 hashes. A key of that entropy needs no slow hash:
/// the hash only keeps a database reader from using the keys.
/// </summary>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const string KeyPrefix = "cbp_";
    private const string Columns = "id, account_id, name, role, created_at, revoked_at";

    public async Task<(ApiKey Key, string Secret)> CreateAsync(string accountId, string name, KeyRole role, CancellationToken cancellationToken)
    {
        try
        {
            var secret = KeyPrefix + Ids.Secret();
            await using var command = dataSource.CreateCommand(
                $"insert into api_keys (id, account_id, name, role, key_hash) values ($1, $2, $3, $4, $5) returning {Columns}");
            command.Parameters.AddWithValue(Ids.New("key"));
            command.Parameters.AddWithValue(accountId);
            command.Parameters.AddWithValue(name);
            command.Parameters.AddWithValue(RoleName(role));
            command.Parameters.AddWithValue(Hash(secret));
            return ((await ReadAsync(command, cancellationToken)).Single(), secret);
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(string accountId, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand($"select {Columns} from api_keys where account_id = $1 order by created_at, id");
            command.Parameters.AddWithValue(accountId);
            return await ReadAsync(command, cancellationToken);
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task<bool> RevokeAsync(string accountId, string keyId, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                "update api_keys set revoked_at = coalesce(revoked_at, $3) where account_id = $1 and id = $2");
            command.Parameters.AddWithValue(accountId);
            command.Parameters.AddWithValue(keyId);
            command.Parameters.AddWithValue(clock.GetUtcNow());
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>The live key with this secret, or null.</summary>
    public async Task<ApiKey?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand($"select {Columns} from api_keys where key_hash = $1 and revoked_at is null");
            command.Parameters.AddWithValue(Hash(secret));
            return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static string RoleName(KeyRole role) => role == KeyRole.Admin ? "admin" : "read";

    private static async Task<List<ApiKey>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKey(
                reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.GetString(3) == "admin" ? KeyRole.Admin : KeyRole.Read,
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return keys;
    }
}
