return { status = "Healthy", message = string.format("%d", 1) }
