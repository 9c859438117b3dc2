using Npgsql;

namespace CallbackPipeline.Storage.Accounts;

/// <summary>Accounts in PostgreSQL.</summary>
public sealed class AccountStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, name, time_zone, created_at";

    public async Task<Account> CreateAsync(string name, string timeZone, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand($"insert into accounts (id, name, time_zone) values ($1, $2, $3) returning {Columns}");
            command.Parameters.AddWithValue(Ids.New("acc"));
            command.Parameters.AddWithValue(name);
            command.Parameters.AddWithValue(timeZone);
            return (await ReadAsync(command, cancellationToken)).Single();
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task<IReadOnlyList<Account>> ListAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand($"select {Columns} from accounts order by created_at, id");
            return await ReadAsync(command, cancellationToken);
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task<Account?> GetAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand($"select {Columns} from accounts where id = $1");
            command.Parameters.AddWithValue(id);
            return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task<Account?> UpdateAsync(string id, string? name, string? timeZone, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                $"update accounts set name = coalesce($2, name), time_zone = coalesce($3, time_zone) where id = $1 returning {Columns}");
            command.Parameters.AddWithValue(id);
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = name, DataTypeName = "text" });
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = timeZone, DataTypeName = "text" });
            return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    private static async Task<List<Account>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var accounts = new List<Account>();
        while (await reader.ReadAsync(cancellationToken))
        {
            accounts.Add(new Account(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return accounts;
    }
}
