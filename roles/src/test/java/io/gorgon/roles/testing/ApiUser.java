package io.gorgon.roles.testing;

/** A registered, logged-in user of the HTTP API. */
public record ApiUser(String id, String token) {
    public static ApiUser register(Http http, String web, String email) {
        Http.Response r = http.post(web + "/auth/register", null, "{\"name\":\"T\",\"email\":\"" + email + "\",\"password\":\"correct horse\"}");
        if (r.status() != 201) throw new AssertionError("register " + email + ": " + r);
        Http.Response login = http.post(web + "/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\"correct horse\"}");
        if (login.status() != 200) throw new AssertionError("login " + email + ": " + login);
        return new ApiUser(r.json().get("id").getAsString(), login.json().get("token").getAsString());
    }
}
