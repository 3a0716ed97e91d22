using BankAccounts.Actors.Hosting;
using BankAccounts.Api.Configuration;
using BankAccounts.Api.Security;
using BankAccounts.Api.Telemetry;
using BankAccounts.ReadModel.Storage;

namespace BankAccounts.Api;

/// <summary>
/// Composition of the HTTP host: the write side (sharded accounts), the read side (projectors
/// and read model) and the endpoints. <c>Program</c> and the end-to-end tests both start this.
/// </summary>
public static class BankAccountsApp
{
    public const string ReadModelSectionName = BankAccountsOptions.SectionName + ":ReadModel";

    /// <param name="configureServices">Runs after the app's own registrations (e.g. a test decorating a projection).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = CreateBuilder(args);
        // A misspelled key would otherwise be ignored and its default used without a word.
        SettingsCheck.ThrowIfInvalid(builder.Configuration);

        var options = builder.Configuration.GetSection(BankAccountsOptions.SectionName).Get<BankAccountsOptions>() ?? new BankAccountsOptions();
        var readModelOptions = builder.Configuration.GetSection(ReadModelSectionName).Get<ReadModelOptions>() ?? new ReadModelOptions();
        var securityOptions = SecurityOptionsFrom(builder.Configuration);
        builder.AddBankAccountsTelemetry(TelemetryHosting.OptionsFrom(builder.Configuration));

        builder.Services.AddBankAccountsApi(options, readModelOptions, securityOptions, builder.Configuration);
        builder.Services.AddBankAccountsOpenApi();
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseBankAccountsPipeline();
        app.MapBankAccountsEndpoints(securityOptions);
        return app;
    }

    /// <summary>
    /// The host builder with this app's configuration sources (appsettings beside the binaries, environment,
    /// command line); the <c>token</c> verb reads its settings through the same one.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json travels with the binaries; relative SQLite paths stay relative to the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });

    public static SecurityOptions SecurityOptionsFrom(IConfiguration configuration) =>
        configuration.GetSection(SecurityOptions.SectionName).Get<SecurityOptions>() ?? new SecurityOptions();
}
