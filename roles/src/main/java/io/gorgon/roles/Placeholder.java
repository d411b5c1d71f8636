package io.gorgon.roles; final class Placeholder {}
