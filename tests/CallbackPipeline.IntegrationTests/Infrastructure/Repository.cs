namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>Files of the repository the tests run from (deploy files, docs), found from the test binaries upwards.</summary>
public static class Repository
{
    public static readonly string Root = FindRoot();

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "CallbackPipeline.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No CallbackPipeline.sln above {AppContext.BaseDirectory}.");
    }
}
