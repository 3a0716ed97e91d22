using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BankAccounts.ReadModel.Storage;

/// <summary>
/// The tables of one read model version. Each version from 5 on has its own set (<c>rm5_account_summaries</c>, …), so a
/// new version is built beside the one serving; version 4, the last release that dropped and recreated its tables in
/// place, keeps its unprefixed names (the "legacy" set, still used by nodes of that release).
/// </summary>
public sealed record ReadModelLayout(int Version)
{
    public const int LegacyVersion = 4;

    public string TablePrefix => Version <= LegacyVersion ? string.Empty : $"rm{Version}_";

    public string Table(string name) => TablePrefix + name;

    /// <summary>The cluster role of the nodes serving this version: its projections run only there.</summary>
    public string ClusterRole => RolePrefix + Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public const string RolePrefix = "read-model-v";

    /// <summary>The projections' cluster singleton of this version (one per version, on a node of that version).</summary>
    public string ProjectionsSingletonName => $"projections-v{Version}";
}

/// <summary>Carries the <see cref="ReadModelLayout"/> in the context's options, so one context type maps any version's tables.</summary>
internal sealed class ReadModelLayoutExtension(ReadModelLayout layout) : IDbContextOptionsExtension
{
    public ReadModelLayout Layout => layout;

    public DbContextOptionsExtensionInfo Info => new LayoutInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder builder, ReadModelLayout layout)
    {
        ((IDbContextOptionsBuilderInfrastructure)builder).AddOrUpdateExtension(new ReadModelLayoutExtension(layout));
        // One model per version, not one per context type.
        return builder.ReplaceService<IModelCacheKeyFactory, PerVersionModelCacheKey>();
    }

    private sealed class LayoutInfo(ReadModelLayoutExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => $"ReadModelVersion={extension.Layout.Version} ";

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is LayoutInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) =>
            debugInfo["ReadModel:Version"] = extension.Layout.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class PerVersionModelCacheKey : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) =>
            (context.GetType(), (context as ReadModelDbContext)?.Layout.Version, designTime);
    }
}
