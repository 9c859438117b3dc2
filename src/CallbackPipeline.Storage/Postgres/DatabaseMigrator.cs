using DbUp;
using Npgsql;

namespace CallbackPipeline.Storage.Postgres;

/// <summary>
/// Applies the embedded SQL migrations with DbUp. An advisory lock keeps instances that start together
/// from racing; DbUp's journal makes a second run a no-op.
/// </summary>
public sealed class DatabaseMigrator(NpgsqlDataSource dataSource)
{
    private const long LockId = 0x43_42_50_4D_49_47; // "CBPMIG"

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("select pg_advisory_lock($1)", connection))
        {
            lockCommand.Parameters.AddWithValue(LockId);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(dataSource.ConnectionString)
                .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, name => name.Contains(".Migrations.", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .LogToNowhere()
                .Build();
            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed.", result.Error);
            }
            return result.Scripts.Select(s => s.Name).ToList();
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("select pg_advisory_unlock($1)", connection);
            unlock.Parameters.AddWithValue(LockId);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
