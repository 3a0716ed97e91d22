using System.Text.Json.Serialization;
using Akka.Hosting;
using BankAccounts.Actors.Hosting;
using BankAccounts.Api.Configuration;
using BankAccounts.Api.Endpoints;
using BankAccounts.Api.Health;
using BankAccounts.Api.Http;
using BankAccounts.Api.Live;
using BankAccounts.Api.Security;
using BankAccounts.Api.Telemetry;
using BankAccounts.ReadModel;
using BankAccounts.ReadModel.Queries;
using BankAccounts.ReadModel.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Scalar.AspNetCore;

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

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddReadModel(readModelOptions);
        services.AddSingleton<AccountQueries>();
        services.AddSingleton<AccountHistoryQueries>();
        services.AddSingleton<AccountEventStream>();
        services.AddSingleton(provider => new BankAccounts.Actors.Chain.JournalChains(provider.GetRequiredService<Akka.Actor.ActorSystem>()));
        services.AddSingleton<AccountCommandSender>();
        services.AddSingleton<ReadYourWritesGate>();
        services.AddBankAccountsHealthChecks();
        services.AddSingleton<TransferSender>();
        services.AddSingleton<TransferQueries>();
        services.AddBankAccountsSecurity(securityOptions);
        services.AddLiveEvents(builder.Configuration);
        services.AddAkka(BankAccountsOptions.ActorSystemName, (akka, _) => akka
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithBankAccounts(options)
            .WithReadModelProjections(readModelOptions));

        // Responses write numbers as numbers; the OpenAPI schemas follow these options too.
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path);
        services.AddOpenApi(openApi =>
        {
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Bank accounts";
                document.Info.Description =
                    "Event-sourced bank accounts. Commands go to the account's entity and answer once durable; " +
                    "queries are served from an eventually consistent read model (use minVersion to read your writes).";
                return Task.CompletedTask;
            });
            openApi.AddDocumentTransformer((document, _, _) => SecurityHosting.DeclareBearerScheme(document));
            openApi.AddBankAccountsConventions();
            openApi.AddSchemaTransformer((schema, context, _) =>
            {
                // Money is decimal end to end; the default "double" format would invite floating point clients.
                if (context.JsonTypeInfo.Type == typeof(decimal) || context.JsonTypeInfo.Type == typeof(decimal?))
                {
                    schema.Format = "decimal";
                }
                return Task.CompletedTask;
            });
        });

        configureServices?.Invoke(services);
        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A request Kestrel itself refused keeps its status; anything else is our fault.
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseRejectedRequestCounting();
        app.UseBankAccountsSecurity();

        var openApi = app.MapOpenApi();
        var scalar = app.MapScalarApiReference(scalar => scalar.WithBearerToken());
        // A browser pointed at the node lands on the API page.
        var home = app.MapGet("/", () => TypedResults.Redirect("/scalar")).ExcludeFromDescription();
        if (securityOptions.PublicApiDocs)
        {
            openApi.AllowAnonymous();
            scalar.AllowAnonymous();
            home.AllowAnonymous();
        }
        app.MapAccountsApi();
        app.MapHistoryApi();
        app.MapVerificationApi();
        app.MapTransfersApi();
        app.MapLiveEventsApi();
        app.MapAdminApi();
        app.MapParkedEventsApi();
        app.MapClusterApi();
        app.MapHealthApi();
        app.MapMetricsEndpoint();
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
