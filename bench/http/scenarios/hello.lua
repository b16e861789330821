-- GET a small JSON body (hello_server's /hello; nginx answers every path the same).
wrk.method = "GET"
wrk.path = "/hello"
