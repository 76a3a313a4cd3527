return { status = "Fine", message = "not an Argo CD status" }
