# Builds the BankAccounts API host (which embeds the write side, the projectors and the HTTP API).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/BankAccounts.Api/BankAccounts.Api.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080
VOLUME /app/data
ENTRYPOINT ["dotnet", "BankAccounts.Api.dll"]
